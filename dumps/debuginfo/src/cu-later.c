/* The one definition of struct later_t: the other CUs only declare it. */
struct later_t { long l_a; int l_b[5]; };
struct later_t g_later;
