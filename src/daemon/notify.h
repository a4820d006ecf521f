/*
 * Desktop notifications through libnotify (the freedesktop Notifications
 * service on the D-Bus session bus). Optional by nature: without a session
 * bus, or with nobody serving notifications on it, a notification is not
 * delivered and the caller is told why, and the alert goes to the log
 * instead. No #ifdefs elsewhere: this is the one place that knows about
 * D-Bus.
 *
 * libnotify only has a blocking call (it waits for the server's reply, up to
 * D-Bus's 25 s), so every libnotify call is made on one worker thread per
 * notifier. A synchronous notifier waits for that thread's answer, at most
 * AU_NOTIFY_WAIT_S; an asynchronous one (the watcher's) only queues, and the
 * worker writes each outcome to the log when the server has answered.
 */
#ifndef AU_NOTIFY_H
#define AU_NOTIFY_H

#include <stdbool.h>
#include <stdio.h>

/* How long a synchronous notifier waits for the notification server. */
#define AU_NOTIFY_WAIT_S 5
/* Notifications an asynchronous notifier keeps waiting behind the one being
 * sent; past that the oldest is dropped, with a log line. */
#define AU_NOTIFY_QUEUE_MAX 16
/* How long freeing an asynchronous notifier lets the queue drain. */
#define AU_NOTIFY_GRACE_S 2

typedef struct au_notifier au_notifier;

/* Never NULL. Synchronous: au_notify returns once the server answered, or
 * after AU_NOTIFY_WAIT_S; after such a timeout, further notifications fail
 * at once while the server still owes that answer. For one-shot commands.
 * Either kind connects lazily, on the first notification, and again after a
 * failure, so a bus that appears later (a login after the service started)
 * is used from then on. */
au_notifier *au_notifier_new(void);

/* Never NULL. Asynchronous, for the watcher's loop: au_notify and
 * au_notify_alert queue the notification and return at once. */
au_notifier *au_notifier_new_async(void);

/* Asynchronous: waits up to AU_NOTIFY_GRACE_S for what is queued to be sent;
 * what is still waiting then is logged as not delivered and the worker is
 * abandoned (its thread frees what it holds if its call ever returns; meant
 * for a process that is exiting). Synchronous: the same, with no grace when
 * the worker is already known to be stuck. */
void au_notifier_free(au_notifier *n);

enum { AU_URGENCY_LOW = 0, AU_URGENCY_NORMAL = 1, AU_URGENCY_CRITICAL = 2 };

/*
 * Shows one notification (urgency 0 low, 1 normal, 2 critical). Synchronous:
 * returns false when it was not delivered (no bus, no notification server, a
 * server error, no answer in time), and au_notifier_error says why.
 * Asynchronous: queues it and returns true; its outcome is not reported.
 */
bool au_notify(au_notifier *n, const char *summary, const char *body, int urgency);

/*
 * An alert: shows it as au_notify does and writes its outcome to `log` (may
 * be NULL) with au_notify_log, as "sent" or "not delivered (WHY)". At once
 * with a synchronous notifier; with an asynchronous one, later, from its
 * worker thread (so `log` must stay open as long as the notifier).
 */
void au_notify_alert(au_notifier *n, const char *summary, const char *body, int urgency, FILE *log);

/* Why the last synchronous au_notify failed ("" after a success); owned by n. */
const char *au_notifier_error(const au_notifier *n);

/*
 * One alert's line in a log: "aiusage: alert WHAT: SUMMARY - BODY", without
 * the summary's own "aiusage: " and with the body's newlines as spaces,
 * written and flushed under the FILE's lock, since the worker thread writes
 * to the same log as the thread that decides the alerts. No-op if log is NULL.
 */
void au_notify_log(FILE *log, const char *what, const char *summary, const char *body);

#endif
