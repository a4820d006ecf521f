/*
 * Desktop notifications through libnotify (the freedesktop Notifications
 * service on the D-Bus session bus). Optional by nature: without a session
 * bus, or with nobody serving notifications on it, au_notify returns false
 * and says why, and the caller writes the alert to its log instead. No
 * #ifdefs elsewhere: this is the one place that knows about D-Bus.
 */
#ifndef AU_NOTIFY_H
#define AU_NOTIFY_H

#include <stdbool.h>

typedef struct au_notifier au_notifier;

/* Never NULL. Connects lazily, on the first au_notify, and again after a
 * failure, so a bus that appears later (a login after the service started)
 * is used from then on. */
au_notifier *au_notifier_new(void);
void au_notifier_free(au_notifier *n);

enum { AU_URGENCY_LOW = 0, AU_URGENCY_NORMAL = 1, AU_URGENCY_CRITICAL = 2 };

/*
 * Shows one notification (urgency 0 low, 1 normal, 2 critical). Returns
 * false when it was not delivered (no bus, no notification server, a server
 * error): the caller logs the text, and au_notifier_error says why. The call
 * waits for the server's reply (D-Bus's default timeout bounds it).
 */
bool au_notify(au_notifier *n, const char *summary, const char *body, int urgency);

/* Why the last au_notify failed ("" after a success); owned by n. */
const char *au_notifier_error(const au_notifier *n);

#endif
