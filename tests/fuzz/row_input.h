/*
 * Fuzz input as a database row for the row parsers (parse_row): columns
 * separated by 0x1f, a column of the single byte 0x1e is SQL NULL. Each
 * column gets an allocation of its exact size plus the NUL SQLite adds, so
 * a read past it is an ASan report.
 */
#ifndef AU_FUZZ_ROW_INPUT_H
#define AU_FUZZ_ROW_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void row_split(const uint8_t *data, size_t size, int ncols, char **cols, size_t *lens)
{
	size_t start = 0;
	for (int c = 0; c < ncols && start <= size; c++) {
		const uint8_t *sep = memchr(data + start, 0x1f, size - start);
		size_t end = sep ? (size_t)(sep - data) : size;
		size_t n = end - start;
		if (!(n == 1 && data[start] == 0x1e)) {
			cols[c] = malloc(n + 1);
			memcpy(cols[c], data + start, n);
			cols[c][n] = '\0';
			lens[c] = n;
		}
		if (!sep)
			break;
		start = end + 1;
	}
}

static void row_free(int ncols, char **cols)
{
	for (int c = 0; c < ncols; c++)
		free(cols[c]);
}

#endif
