// What the C++ front end adds to a small test, exercised (tests/cxx_tests_test.sh): lambdas with
// copied captures as threads and as an interrupt handler, a virtual call (the vtable pointer is a
// plain access), new and delete on the machine's heap. A user reads a shared object while a
// killer deletes it once the user says it is done; CONFIG_EARLY_DELETE deletes it without waiting,
// a use after free the report must place at the delete's line.
//
// hazsim: cpus=2 preempt=none
#include <hazsim/test.h>

struct shape {
	virtual int sides() const = 0;
};

struct square : shape {
	int sides() const override { return 4; }
};

static shape *shared_shape;
static int from_irq;
static int user_done;

void hazsim_test()
{
	shared_shape = new square;
	const int want = 4;
	hazsim::thread(0, "user", [want] {
		hazsim::irq(1, [want] { WRITE_ONCE(from_irq, want); });
		WARN_ON(READ_ONCE(from_irq) != want);  // the IPI ran before irq() returned
		WARN_ON(READ_ONCE(shared_shape)->sides() != want);
		smp_store_release(&user_done, 1);
	});
	hazsim::thread(1, "killer", [] {
#ifndef CONFIG_EARLY_DELETE
		while (!smp_load_acquire(&user_done))
			cpu_relax();
#endif
		delete static_cast<square *>(READ_ONCE(shared_shape));  // the line a use after free names
	});
}
