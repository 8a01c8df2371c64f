// The classic hazard-pointer test of classic_hp.c, written in C++ with <hazsim/test.h>: the same
// accesses in the same order, so every variant gets the same verdicts and, under dpor, the same
// number of schedules (tests/small_tests_test.sh compares the two files). Run it with
//   ./hazsim run scenarios/small/classic_hp.cc --memory-model tso
//   ./hazsim fuzz scenarios/small/classic_hp.cc --memory-model tso --strategy dpor --runs 0
// Variants (--set kconfig=NAME=y): NO_READER_MB, NO_UPDATER_MB, DEREF_EARLY, ALL_MB, as in the C file.
//
// hazsim: cpus=3 preempt=none
#include <hazsim/test.h>

#ifdef CONFIG_ALL_MB
constexpr bool all_mb = true;
#else
constexpr bool all_mb = false;
#endif

// A load's value, with a full barrier after the load in ALL_MB.
template <class T>
static T ordered(T value)
{
	if (all_mb)
		smp_mb();
	return value;
}

template <class T, class V>
static void ordered_write(T &var, V value)
{
	WRITE_ONCE(var, value);
	if (all_mb)
		smp_mb();
}

struct node {
	int value;
};

static node *gp;          // the published node
static node *hp_slot[2];  // one hazard pointer per reader

static void reader(int i)
{
	node *p;

	do {
		p = ordered(READ_ONCE(gp));
#ifdef CONFIG_DEREF_EARLY
		ordered(READ_ONCE(p->value));  // not protected yet
#endif
		ordered_write(hp_slot[i], p);  // publish the hazard pointer
#ifndef CONFIG_NO_READER_MB
		smp_mb();  // the slot before the reload
#endif
	} while (ordered(READ_ONCE(gp)) != p);  // still published: protected
	WARN_ON(ordered(READ_ONCE(p->value)) != 1);
	smp_store_release(&hp_slot[i], nullptr);
}

static void updater()
{
	node *old = ordered(READ_ONCE(gp));
	node *fresh = new node;

	ordered_write(fresh->value, 1);
	smp_store_release(&gp, fresh);  // publish the new node
#ifndef CONFIG_NO_UPDATER_MB
	smp_mb();  // the publication before the scan
#endif
	for (node *&slot : hp_slot)
		while (ordered(READ_ONCE(slot)) == old)
			cpu_relax();
	delete old;
}

void hazsim_test()
{
	gp = new node;
	gp->value = 1;
	for (int i = 0; i < 2; i++)
		hazsim::thread(i, i == 0 ? "reader0" : "reader1", [i] { reader(i); });
	hazsim::thread(2, "updater", updater);
}
