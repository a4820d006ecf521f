/*
 * libnotify on a worker thread of its own. libnotify's only way to show a
 * notification waits for the server's reply, so every libnotify call
 * (notify_init, the show, notify_uninit) is made on one worker thread that
 * takes jobs from a queue; the thread that decides the alerts only queues
 * them, and waits for the answer (a bounded time) when the notifier is
 * synchronous. The worker pushes a main context of its own, so the signals
 * libnotify's proxy subscribes to are dispatched there, on the worker, and
 * never on the watcher's loop.
 *
 * Before libnotify touches the bus we take the shared session connection
 * ourselves, for two reasons: with no bus it fails fast with a clear reason,
 * and we can turn off GDBus's exit-on-close, which would otherwise SIGTERM
 * the watcher when the session bus goes away (a logout, dbus-run-session
 * ending).
 */
#include "notify.h"

#include <gio/gio.h>
#include <libnotify/notify.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct job {
	char *summary, *body;
	int urgency;
	FILE *log;       /* where the worker writes the outcome; NULL: nowhere */
	bool waited;     /* a synchronous caller waits for it (and frees it) */
	bool finished;   /* for that caller: the outcome is in */
	bool delivered;
	char *error;     /* why not delivered */
} job;

typedef struct worker {
	GMutex lock;
	GCond cond;     /* broadcast: a job queued or finished, stop, the thread ending */
	GQueue queue;   /* jobs not started yet, oldest first */
	job *current;   /* the job being shown */
	bool stop;      /* end once the queue is empty */
	bool ended;     /* the thread is returning */
	bool abandoned; /* the owner left without it: log nothing, free ourselves */
	/* the worker thread's alone */
	GDBusConnection *bus; /* our reference to the shared session connection */
	bool inited;          /* notify_init done, its proxy possibly cached */
} worker;

struct au_notifier {
	bool async;
	worker *w; /* started on the first notification */
	GThread *thread;
	char *error;
};

static job *job_new(const char *summary, const char *body, int urgency, FILE *log)
{
	job *j = xcalloc(1, sizeof(*j));
	j->summary = xstrdup(summary);
	j->body = xstrdup(body);
	j->urgency = urgency;
	j->log = log;
	return j;
}

static void job_free(job *j)
{
	free(j->summary);
	free(j->body);
	free(j->error);
	free(j);
}

void au_notify_log(FILE *log, const char *what, const char *summary, const char *body)
{
	if (!log)
		return;
	char *flat = g_strdup(body);
	for (char *p = flat; *p; p++)
		if (*p == '\n')
			*p = ' ';
	/* the summary's "aiusage: " would repeat the log line's own prefix */
	if (g_str_has_prefix(summary, "aiusage: "))
		summary += strlen("aiusage: ");
	flockfile(log);
	fprintf(log, "aiusage: alert %s: %s - %s\n", what, summary, flat);
	fflush(log);
	funlockfile(log);
	g_free(flat);
}

static void report(const job *j, bool delivered, const char *error)
{
	if (delivered) {
		au_notify_log(j->log, "sent", j->summary, j->body);
	} else if (j->log) {
		char *what = xasprintf("not delivered (%s)", error);
		au_notify_log(j->log, what, j->summary, j->body);
		free(what);
	}
}

/* ---- the worker thread: the only one that calls libnotify ---- */

static void drop(worker *w)
{
	if (w->inited)
		notify_uninit(); /* forgets libnotify's proxy on a dead connection */
	w->inited = false;
	if (w->bus)
		g_object_unref(w->bus);
	w->bus = NULL;
}

static bool failed(worker *w, const char *what, GError *e, char **ret_error)
{
	*ret_error = xasprintf("%s%s%s", what, e ? ": " : "", e ? e->message : "");
	if (e)
		g_error_free(e);
	drop(w);
	return false;
}

int au_notify_lib_load(au_err *err); /* src/daemon/notify_dl.c */

static bool show(worker *w, const job *j, char **ret_error)
{
	GError *e = NULL;
	au_err lerr = {{0}};
	if (au_notify_lib_load(&lerr) < 0) {
		*ret_error = xstrdup(lerr.msg);
		return false;
	}
	if (w->bus && g_dbus_connection_is_closed(w->bus))
		drop(w);
	if (!w->bus) {
		w->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &e);
		if (!w->bus)
			return failed(w, "no D-Bus session bus", e, ret_error);
		g_dbus_connection_set_exit_on_close(w->bus, FALSE);
	}
	if (!w->inited) {
		if (!notify_init("aiusage"))
			return failed(w, "libnotify could not start", NULL, ret_error);
		w->inited = true;
	}
	int u = j->urgency;
	NotifyNotification *nn = notify_notification_new(j->summary, j->body,
							 u >= AU_URGENCY_CRITICAL ? "dialog-error"
							 : u == AU_URGENCY_NORMAL ? "dialog-warning"
										  : "dialog-information");
	notify_notification_set_urgency(nn, u >= AU_URGENCY_CRITICAL ? NOTIFY_URGENCY_CRITICAL
					    : u == AU_URGENCY_NORMAL ? NOTIFY_URGENCY_NORMAL
								     : NOTIFY_URGENCY_LOW);
	notify_notification_set_category(nn, "x-aiusage.budget");
	gboolean ok = notify_notification_show(nn, &e);
	g_object_unref(nn);
	if (!ok)
		return failed(w, "the notification service did not take it", e, ret_error);
	return true;
}

static void worker_free(worker *w)
{
	job *j;
	while ((j = g_queue_pop_head(&w->queue)))
		job_free(j);
	g_mutex_clear(&w->lock);
	g_cond_clear(&w->cond);
	free(w);
}

static gpointer work(gpointer data)
{
	worker *w = data;
	GMainContext *ctx = g_main_context_new();
	g_main_context_push_thread_default(ctx);
	g_mutex_lock(&w->lock);
	for (;;) {
		while (!w->stop && g_queue_is_empty(&w->queue))
			g_cond_wait(&w->cond, &w->lock);
		job *j = g_queue_pop_head(&w->queue);
		if (!j)
			break; /* stopped, and nothing left */
		w->current = j;
		g_mutex_unlock(&w->lock);

		char *error = NULL;
		bool ok = show(w, j, &error);
		while (g_main_context_iteration(ctx, FALSE)) /* the proxy's signals, if any */
			;

		g_mutex_lock(&w->lock);
		w->current = NULL;
		if (!w->abandoned)
			report(j, ok, error);
		if (j->waited) {
			j->finished = true;
			j->delivered = ok;
			j->error = error;
		} else {
			free(error);
			job_free(j);
		}
		g_cond_broadcast(&w->cond);
	}
	g_mutex_unlock(&w->lock);

	drop(w);
	while (g_main_context_iteration(ctx, FALSE))
		;
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);

	g_mutex_lock(&w->lock);
	w->ended = true;
	bool abandoned = w->abandoned;
	g_cond_broadcast(&w->cond);
	g_mutex_unlock(&w->lock);
	if (abandoned) /* nobody will join us */
		worker_free(w);
	return NULL;
}

/* ---- the owner's side ---- */

static au_notifier *notifier_new(bool async)
{
	au_notifier *n = xcalloc(1, sizeof(*n));
	n->async = async;
	n->error = xstrdup("");
	return n;
}

au_notifier *au_notifier_new(void)
{
	return notifier_new(false);
}

au_notifier *au_notifier_new_async(void)
{
	return notifier_new(true);
}

static worker *start(au_notifier *n)
{
	if (!n->w) {
		n->w = xcalloc(1, sizeof(*n->w));
		g_mutex_init(&n->w->lock);
		g_cond_init(&n->w->cond);
		g_queue_init(&n->w->queue);
		n->thread = g_thread_new("notify", work, n->w);
	}
	return n->w;
}

void au_notifier_free(au_notifier *n)
{
	if (!n)
		return;
	worker *w = n->w;
	if (w) {
		g_mutex_lock(&w->lock);
		w->stop = true;
		g_cond_broadcast(&w->cond);
		/* a synchronous caller already gave up on a job still in progress */
		gint64 grace = !n->async && w->current ? 0 : AU_NOTIFY_GRACE_S * G_TIME_SPAN_SECOND;
		gint64 end = g_get_monotonic_time() + grace;
		while (!w->ended && g_cond_wait_until(&w->cond, &w->lock, end))
			;
		if (w->ended) {
			g_mutex_unlock(&w->lock);
			g_thread_join(n->thread);
			worker_free(w);
		} else {
			/* stuck in a call the server never answers: the process is
			 * exiting, and does not wait for D-Bus's timeout */
			const char *why = "still waiting for the notification service at exit";
			if (w->current) {
				report(w->current, false, why);
				w->current->log = NULL;
			}
			job *j;
			while ((j = g_queue_pop_head(&w->queue))) {
				report(j, false, why);
				job_free(j);
			}
			w->abandoned = true;
			g_mutex_unlock(&w->lock);
			g_thread_unref(n->thread);
		}
	}
	free(n->error);
	free(n);
}

const char *au_notifier_error(const au_notifier *n)
{
	return n->error;
}

static void set_error(au_notifier *n, const char *why)
{
	free(n->error);
	n->error = xstrdup(why);
}

static void enqueue(au_notifier *n, const char *summary, const char *body, int urgency, FILE *log)
{
	worker *w = start(n);
	g_mutex_lock(&w->lock);
	while (g_queue_get_length(&w->queue) >= AU_NOTIFY_QUEUE_MAX) {
		job *old = g_queue_pop_head(&w->queue);
		char *why = xasprintf("dropped: more than %d notifications waiting for the notification service",
				      AU_NOTIFY_QUEUE_MAX);
		report(old, false, why);
		free(why);
		job_free(old);
	}
	g_queue_push_tail(&w->queue, job_new(summary, body, urgency, log));
	g_cond_broadcast(&w->cond);
	g_mutex_unlock(&w->lock);
}

static bool notify_sync(au_notifier *n, const char *summary, const char *body, int urgency)
{
	worker *w = start(n);
	g_mutex_lock(&w->lock);
	if (w->current || !g_queue_is_empty(&w->queue)) {
		g_mutex_unlock(&w->lock);
		set_error(n, "the notification service has not answered an earlier notification");
		return false;
	}
	job *j = job_new(summary, body, urgency, NULL);
	j->waited = true;
	g_queue_push_tail(&w->queue, j);
	g_cond_broadcast(&w->cond);
	gint64 end = g_get_monotonic_time() + AU_NOTIFY_WAIT_S * G_TIME_SPAN_SECOND;
	while (!j->finished && g_cond_wait_until(&w->cond, &w->lock, end))
		;
	bool ok = false;
	if (j->finished) {
		ok = j->delivered;
		set_error(n, ok ? "" : j->error);
		job_free(j);
	} else {
		if (g_queue_remove(&w->queue, j))
			job_free(j);
		else
			j->waited = false; /* the worker frees it if the call ever returns */
		char *why = xasprintf("no answer from the notification service within %d s", AU_NOTIFY_WAIT_S);
		set_error(n, why);
		free(why);
	}
	g_mutex_unlock(&w->lock);
	return ok;
}

bool au_notify(au_notifier *n, const char *summary, const char *body, int urgency)
{
	if (!n->async)
		return notify_sync(n, summary, body, urgency);
	enqueue(n, summary, body, urgency, NULL);
	set_error(n, "");
	return true;
}

void au_notify_alert(au_notifier *n, const char *summary, const char *body, int urgency, FILE *log)
{
	if (n->async) {
		enqueue(n, summary, body, urgency, log);
		return;
	}
	if (au_notify(n, summary, body, urgency)) {
		au_notify_log(log, "sent", summary, body);
	} else {
		char *what = xasprintf("not delivered (%s)", n->error);
		au_notify_log(log, what, summary, body);
		free(what);
	}
}
