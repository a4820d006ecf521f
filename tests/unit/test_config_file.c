/*
 * Unit tests for src/config/config_file.c: the one base-URL rule (https
 * anywhere, plain http only to a loopback address, never to a name that
 * merely starts like one), the one reader of config.ini, and the [cursor]
 * group with its environment override.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

static void test_base_url(void)
{
	CHECK(au_base_url_ok("https://api.openai.com"));
	CHECK(au_base_url_ok("HTTPS://proxy.example:8443/v1"));
	CHECK(au_base_url_ok("http://127.0.0.1:8080"));
	CHECK(au_base_url_ok("http://127.1.2.3"));
	CHECK(au_base_url_ok("http://localhost:9"));
	CHECK(au_base_url_ok("http://[::1]:8080"));
	/* names that only look like loopback: the old prefix test let them through */
	CHECK(!au_base_url_ok("http://127.evil.example"));
	CHECK(!au_base_url_ok("http://127.0.0.1.evil.example"));
	CHECK(!au_base_url_ok("http://localhost.evil.example"));
	CHECK(!au_base_url_ok("http://128.0.0.1"));
	CHECK(!au_base_url_ok("http://[::2]"));
	CHECK(!au_base_url_ok("http://example.com"));
	CHECK(!au_base_url_ok("ftp://127.0.0.1"));
	CHECK(!au_base_url_ok("https://x.example/v?x=1"));
	CHECK(!au_base_url_ok("https://x.example/#f"));
	CHECK(!au_base_url_ok("https://user@x.example"));
	CHECK(!au_base_url_ok("not a url"));
	CHECK(!au_base_url_ok(""));
	CHECK(au_loopback_host("::1"));
	CHECK(au_loopback_host("[::1]"));
	CHECK(!au_loopback_host("127."));
	CHECK(!au_loopback_host(NULL));
}

static char *write_tmp(const char *dir, const char *text, mode_t mode)
{
	char *p = xasprintf("%s/config.ini", dir);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static void test_reader_and_cursor(void)
{
	char dir[] = "/tmp/au_cfgXXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	au_err err;
	au_config_file f;
	char *missing = xasprintf("%s/none.ini", dir);
	CHECK_INT(au_config_file_read(missing, false, &f, &err), 0);
	CHECK(!f.exists);
	au_config_file_release(&f);
	CHECK_INT(au_config_file_read(missing, true, &f, &err), -ENOENT);

	char *p = write_tmp(dir, "[cursor]\nbase_url = http://127.0.0.1:4000/\ndays = 7\n", 0600);
	CHECK_INT(au_config_file_read(p, true, &f, &err), 0);
	CHECK(f.exists && f.private_file);
	CHECK_INT((int64_t)f.len, (int64_t)strlen("[cursor]\nbase_url = http://127.0.0.1:4000/\ndays = 7\n"));
	au_config_file_release(&f);

	unsetenv("AIUSAGE_CURSOR_BASE_URL");
	au_cursor_section c;
	CHECK_INT(au_config_cursor_load(p, "https://cursor.com", &c, &err), 0);
	CHECK_STR(c.base_url, "http://127.0.0.1:4000");
	CHECK_INT(c.days, 7);
	CHECK_INT(c.timeout_s, 30);
	au_cursor_section_release(&c);
	/* the environment beats the file, and the same rule applies to it */
	setenv("AIUSAGE_CURSOR_BASE_URL", "http://127.evil.example", 1);
	CHECK_INT(au_config_cursor_load(p, "https://cursor.com", &c, &err), -EINVAL);
	CHECK(strstr(err.msg, "$AIUSAGE_CURSOR_BASE_URL") != NULL);
	unsetenv("AIUSAGE_CURSOR_BASE_URL");
	CHECK_INT(au_config_cursor_load(missing, "https://cursor.com", &c, &err), 0);
	CHECK_STR(c.base_url, "https://cursor.com");
	au_cursor_section_release(&c);
	free(p);

	p = write_tmp(dir, "[cursor]\nbase_url = http://example.com\n", 0644);
	CHECK_INT(au_config_cursor_load(p, "https://cursor.com", &c, &err), -EINVAL);
	CHECK_INT(au_config_file_read(p, true, &f, &err), 0);
	CHECK(!f.private_file);
	au_config_file_release(&f);
	unlink(p);
	free(p);
	free(missing);
	rmdir(dir);
}

int main(void)
{
	test_base_url();
	test_reader_and_cursor();
	return check_done("test_config_file");
}
