#include "types.h"
/* CU 6 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_6 { int own_6; char pad_6[6]; struct later_t *later; };
struct own_6 g_own_6;
struct proc_t g_proc_6;
int fn_6(struct own_6 *o) { int local[6]; local[0] = o->own_6; return local[0] + 6; }
