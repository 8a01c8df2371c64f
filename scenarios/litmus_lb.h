// Load buffering in litmus tests under the weak model. The machine satisfies every load at its
// step, so on its own it never lets a load be satisfied after a later store of the same thread,
// which the LKMM allows (LB) unless something orders the two: a barrier, an acquire load, a
// release store, a lock, an RMW, or a dependency (address, data, control) from the load to the
// store. A litmus test's code shows its dependencies, so there the order can be taken apart in
// the program instead: a thread also runs in each order that moves a plain store above earlier
// plain loads it does not depend on, and the union of the outcomes of every order is the test's.
#pragma once
#include <vector>

#include "scenarios/litmus.h"

namespace hazsim::litmus {

// The orders of p's body to run: the body as written first, then each distinct order in which
// top-level WRITE_ONCE()/atomic_set() stores of shared variables named directly move above
// earlier top-level READ_ONCE()/rcu_dereference()/atomic_read() loads of other shared variables
// named directly whose registers the stored value does not use. Nothing else moves: statements
// inside if/else (control dependencies) and everything that is not such a load or store stay in
// place and bound the runs that may be reordered.
std::vector<std::vector<Stmt>> load_buffering_orders(const Test& t, const Proc& p);

}  // namespace hazsim::litmus
