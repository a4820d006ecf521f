/*
 * A test helper for the e2e scripts: reads one JSON document on stdin and
 * exits 1 (with Jansson's message) unless it is valid JSON (Jansson also
 * rejects invalid UTF-8). With a path of object keys and array indexes as
 * arguments, prints the value found there (a string raw, anything else as
 * compact JSON); exit 3 when the path leads nowhere.
 *
 *   aiusage scan --json | json_check roots 0 dir
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *doc = json_loadf(stdin, 0, &e);
	if (!doc) {
		fprintf(stderr, "json_check: not JSON: %s at line %d column %d\n", e.text, e.line, e.column);
		return 1;
	}
	json_t *v = doc;
	for (int i = 1; i < argc && v; i++)
		v = json_is_array(v) ? json_array_get(v, (size_t)strtoul(argv[i], NULL, 10)) : json_object_get(v, argv[i]);
	if (!v) {
		fprintf(stderr, "json_check: no value at that path\n");
		return 3;
	}
	if (argc > 1) {
		if (json_is_string(v)) {
			fwrite(json_string_value(v), 1, json_string_length(v), stdout);
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			fputs(s, stdout);
			free(s);
		}
		putchar('\n');
	}
	json_decref(doc);
	return 0;
}
