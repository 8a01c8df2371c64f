/* hazsim's <linux/list.h>: doubly linked lists and hlists with the kernel's accesses (plain where
 * the kernel's are plain, WRITE_ONCE() where it publishes), and CONFIG_DEBUG_LIST's checks done
 * on the machine's ghost state: a failed check is reported and the list left alone. The list
 * operations are macros over functions that take the caller's site, so a report names the kernel
 * line that called list_add(), as the plain accesses inside do (the loader's site table). */
#ifndef _LINUX_LIST_H
#define _LINUX_LIST_H

#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/poison.h>

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
#define HLIST_HEAD_INIT { .first = NULL }
#define HLIST_HEAD(name) struct hlist_head name = { .first = NULL }
#define INIT_HLIST_HEAD(ptr) ((ptr)->first = NULL)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	WRITE_ONCE(list->prev, list);
}

static inline void __hazsim_list_add(struct list_head *entry, struct list_head *prev, struct list_head *next,
				     const struct hazsim_site *site)
{
	if (!hazsim_ops->hz_list_add_valid(entry, site))
		return;
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	WRITE_ONCE(prev->next, entry);
}

#define list_add(entry, head) __hazsim_list_add_head((entry), (head), HAZSIM_SITE())
static inline void __hazsim_list_add_head(struct list_head *entry, struct list_head *head, const struct hazsim_site *site)
{
	__hazsim_list_add(entry, head, head->next, site);
}

#define list_add_tail(entry, head) __hazsim_list_add_tail((entry), (head), HAZSIM_SITE())
static inline void __hazsim_list_add_tail(struct list_head *entry, struct list_head *head, const struct hazsim_site *site)
{
	__hazsim_list_add(entry, head->prev, head, site);
}

#define list_del(entry) __hazsim_list_del((entry), HAZSIM_SITE())
static inline void __hazsim_list_del(struct list_head *entry, const struct hazsim_site *site)
{
	struct list_head *prev, *next;

	if (!hazsim_ops->hz_list_del_valid(entry, site))
		return;
	prev = entry->prev;
	next = entry->next;
	next->prev = prev;
	WRITE_ONCE(prev->next, next);
	entry->next = (struct list_head *)LIST_POISON1;
	entry->prev = (struct list_head *)LIST_POISON2;
}

static inline int list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))
#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_entry(pos, head, member) \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member); !list_entry_is_head(pos, head, member); \
	     (pos) = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member) \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member), (n) = list_next_entry(pos, member); \
	     !list_entry_is_head(pos, head, member); (pos) = (n), (n) = list_next_entry(n, member))

static inline void INIT_HLIST_NODE(struct hlist_node *h)
{
	h->next = NULL;
	h->pprev = NULL;
}

static inline int hlist_unhashed(const struct hlist_node *h)
{
	return !h->pprev;
}

static inline int hlist_empty(const struct hlist_head *h)
{
	return !READ_ONCE(h->first);
}

#define hlist_add_head(n, h) __hazsim_hlist_add_head((n), (h), HAZSIM_SITE())
static inline void __hazsim_hlist_add_head(struct hlist_node *n, struct hlist_head *h, const struct hazsim_site *site)
{
	struct hlist_node *first;

	if (!hazsim_ops->hz_list_add_valid(n, site))
		return;
	first = h->first;
	WRITE_ONCE(n->next, first);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
	WRITE_ONCE(h->first, n);
	WRITE_ONCE(n->pprev, &h->first);
}

#define hlist_del(n) __hazsim_hlist_del((n), HAZSIM_SITE())
static inline void __hazsim_hlist_del(struct hlist_node *n, const struct hazsim_site *site)
{
	struct hlist_node *next, **pprev;

	if (!hazsim_ops->hz_list_del_valid(n, site))
		return;
	next = n->next;
	pprev = n->pprev;
	WRITE_ONCE(*pprev, next);
	if (next)
		WRITE_ONCE(next->pprev, pprev);
	n->next = (struct hlist_node *)LIST_POISON1;
	n->pprev = (struct hlist_node **)LIST_POISON2;
}

#define hlist_entry(ptr, type, member) container_of(ptr, type, member)
#define hlist_entry_safe(ptr, type, member) \
	({ \
		__typeof__(ptr) ____ptr = (ptr); \
		____ptr ? hlist_entry(____ptr, type, member) : NULL; \
	})
#define hlist_for_each_entry(pos, head, member) \
	for ((pos) = hlist_entry_safe((head)->first, __typeof__(*(pos)), member); (pos); \
	     (pos) = hlist_entry_safe((pos)->member.next, __typeof__(*(pos)), member))

#endif /* _LINUX_LIST_H */
