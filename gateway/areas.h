/*
 * areas.h: the administrative areas (division > district > upazila >
 * union), addressed by BBS geocode.
 *
 * Each area row keeps its materialised path ("/10/1004/100409/10040951/"),
 * so "all unions under X" and "is Y inside X" are one indexed range query
 * on (level, path).  Names are stored clean (text_clean: NFC, trimmed,
 * invisibles dropped).
 *
 * Import is all or nothing: rows are validated (code syntax, level, names,
 * duplicate codes, unknown parent, parent of the wrong level, cycles, moves
 * of existing areas) and written in one transaction only if every row is
 * good.  Existing areas are updated in place (names); moving an area to a
 * new parent or level is refused.
 */
#ifndef SK_AREAS_H
#define SK_AREAS_H

#include <stddef.h>
#include <stdint.h>

#include "import.h"

#define AREA_CODE_MAX	33	/* codes are [0-9A-Za-z_-]{1,32} */
#define AREA_PATH_MAX	(4 * AREA_CODE_MAX + 8)

enum area_level {
	AREA_DIVISION = 1,
	AREA_DISTRICT = 2,
	AREA_UPAZILA = 3,
	AREA_UNION = 4
};

struct store;

struct area {
	char		 code[AREA_CODE_MAX];
	char		 parent[AREA_CODE_MAX];	/* "" for a division */
	int		 level;
	char		*name_en;		/* owned */
	char		*name_bn;		/* owned */
	char		 path[AREA_PATH_MAX];
};

const char	*area_level_name(int);
/* "division", "district", "upazila", "union" or "1".."4"; -1 if neither. */
int		 area_level_parse(const char *);
int		 area_code_valid(const char *);

/* 0 found, 1 not found, -1 error.  area_clear() frees the names. */
int		 area_get(struct store *, const char *code, struct area *);
void		 area_clear(struct area *);
/* 1 if code is ancestor-or-self of inner, 0 if not, -1 unknown/error. */
int		 area_contains(struct store *, const char *outer,
		    const char *inner);
/* Number of unions at or under code (one indexed query), -1 on error. */
int64_t		 area_union_count(struct store *, const char *code);

/*
 * Import the CSV in buf[0..len) (header "code,parent,level,name_en,name_bn",
 * optional; columns in that order).  dry_run validates without writing.
 * Fills rep; returns 0 when imported (or would be), -1 when refused (rep
 * says why: rep->fatal or rep->errors), -2 on a store error.  On 0 without
 * dry_run the transaction is left open: the caller adds its audit row and
 * commits (store_tx_commit), or rolls back.
 */
int		 area_import(struct store *, const char *buf, size_t len,
		    int dry_run, struct import_report *rep);

#endif
