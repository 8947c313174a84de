/* lwIP's test/unit/lwip_check.h includes <config.h> (a name from its
 * autotools origins); it needs nothing from it here. */
