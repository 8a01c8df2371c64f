/* Glue of a small test that has no design of its own (hazsim run FILE.c, --design none): nothing
 * in task_struct, no hook, no slots. Chosen by the built-in header's `hazsim-glue: none`
 * (kshim/glue/none_tree.h). */
#define HAZSIM_GLUE_VERSION "none"

#define HAZSIM_TASK_INIT(t) ((void)(t))

#define HAZSIM_SLOTS(fn, arg) ((void)(fn), (void)(arg))
