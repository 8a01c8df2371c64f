// The classic hazard-pointer test (Michael, IEEE TPDS 2004), as model checkers pose it: two
// readers each protect the published node with a slot of their own and dereference it; one
// updater publishes a new node, scans both slots and frees the old one. Run it with
//   ./hazsim run scenarios/small/classic_hp.c --memory-model tso
//   ./hazsim fuzz scenarios/small/classic_hp.c --strategy bounded:2 --runs 0
// Its variants are CONFIG_ switches (--set kconfig=NAME=y): NO_READER_MB and NO_UPDATER_MB drop
// a full barrier (the store-buffering pattern each side needs: fails under tso, pso and weak),
// DEREF_EARLY dereferences before the slot is published (fails under every model), ALL_MB puts
// a full barrier after every access (passes under every model).
//
// hazsim: cpus=3 preempt=none
#include <asm/barrier.h>
#include <hazsim/workload.h>
#include <linux/compiler.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>

#ifdef CONFIG_ALL_MB
#define ordered(x) ({ typeof(x) __v = (x); smp_mb(); __v; })
#define ordered_write(p, v) do { WRITE_ONCE(p, v); smp_mb(); } while (0)
#else
#define ordered(x) (x)
#define ordered_write(p, v) WRITE_ONCE(p, v)
#endif

struct node {
	int value;
};

static struct node *gp;           /* the published node */
static struct node *hp_slot[2];   /* one hazard pointer per reader */

static int reader(void *arg)
{
	long i = (long)arg;
	struct node *p;

	do {
		p = ordered(READ_ONCE(gp));
#ifdef CONFIG_DEREF_EARLY
		ordered(READ_ONCE(p->value));          /* not protected yet */
#endif
		ordered_write(hp_slot[i], p);          /* publish the hazard pointer */
#ifndef CONFIG_NO_READER_MB
		smp_mb();                              /* the slot before the reload */
#endif
	} while (ordered(READ_ONCE(gp)) != p);     /* still published: protected */
	WARN_ON(ordered(READ_ONCE(p->value)) != 1);
	smp_store_release(&hp_slot[i], NULL);
	return 0;
}

static int updater(void *arg)
{
	struct node *old = ordered(READ_ONCE(gp));
	struct node *new = kmalloc(sizeof(*new), GFP_KERNEL);
	int i;

	ordered_write(new->value, 1);
	smp_store_release(&gp, new);               /* publish the new node */
#ifndef CONFIG_NO_UPDATER_MB
	smp_mb();                                  /* the publication before the scan */
#endif
	for (i = 0; i < 2; i++)
		while (ordered(READ_ONCE(hp_slot[i])) == old)
			cpu_relax();
	kfree(old);
	return 0;
}

static int __init classic_hp_init(void)
{
	gp = kmalloc(sizeof(*gp), GFP_KERNEL);
	gp->value = 1;
	kthread_run_on_cpu(reader, (void *)0L, 0, "reader0");
	kthread_run_on_cpu(reader, (void *)1L, 1, "reader1");
	kthread_run_on_cpu(updater, NULL, 2, "updater");
	return 0;
}
module_init(classic_hp_init);
