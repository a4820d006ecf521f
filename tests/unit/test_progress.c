/*
 * The scan's progress line (watchers/scan.c, au_scan_progress_line; src/cli shows it): files done
 * of all, MiB read of the MiB to read, the rate so far and the time left at
 * that rate; a dash while nothing has been read.
 */
#include <string.h>

#include "check.h"
#include "scan.h"

int main(void)
{
	au_scan_stats st;
	memset(&st, 0, sizeof(st));
	char line[256];

	st.files = 12;
	st.files_total = 20000;
	st.bytes_todo = INT64_C(10240) << 20;
	au_scan_progress_line(&st, 0.5, line, sizeof(line));
	CHECK_STR(line, "scanning: 12/20000 files, 0/10240 MiB, 0 MiB/s, ETA -");

	st.bytes_read = INT64_C(1700) << 20; /* 850 MiB/s: 8540 MiB left */
	au_scan_progress_line(&st, 2.0, line, sizeof(line));
	CHECK_STR(line, "scanning: 12/20000 files, 1700/10240 MiB, 850 MiB/s, ETA 10s");

	st.bytes_read = INT64_C(100) << 20; /* 50 MiB/s: 10140 MiB left, 202.8 s */
	au_scan_progress_line(&st, 2.0, line, sizeof(line));
	CHECK_STR(line, "scanning: 12/20000 files, 100/10240 MiB, 50 MiB/s, ETA 3m23s");

	/* files that grew while read: more read than planned, nothing left */
	st.bytes_read = st.bytes_todo + 5;
	au_scan_progress_line(&st, 4.0, line, sizeof(line));
	CHECK_STR(line, "scanning: 12/20000 files, 10240/10240 MiB, 2560 MiB/s, ETA 0s");

	/* a short buffer is cut, never overrun */
	char tiny[12];
	au_scan_progress_line(&st, 4.0, tiny, sizeof(tiny));
	CHECK_STR(tiny, "scanning: 1");
	return check_done("test_progress");
}
