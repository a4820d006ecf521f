/*
 * One model, one id. The tools spell one model several ways: Claude Code
 * logs "claude-sonnet-4-5-20250929", Copilot "claude-sonnet-4.5", a proxy
 * "anthropic/claude-sonnet-4-5", Bedrock "us.anthropic.claude-sonnet-4-5-
 * 20250929-v1:0". This file owns the one set of rules that reduces such a
 * name: the reports group by the id it gives, and the price lookup
 * (pricing.c) matches a name to the table with the same steps.
 */
#ifndef AU_MODEL_ID_H
#define AU_MODEL_ID_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The id reports group by (malloc'd): ASCII-lowercased; provider paths
 * ("openai/", "openrouter/anthropic/") and Bedrock vendor prefixes
 * ("anthropic.", "us.anthropic.") removed; blanks made dashes; trailing
 * decorations removed (a release date "-20250929" or "-2025-08-07",
 * Vertex "@...", Bedrock "-v1:0", "-thinking", "[1m]", "-latest",
 * "-preview", " (Preview)"); and version numbers written
 * as the vendor writes them: Anthropic's ids use dashes ("claude-sonnet-
 * 4.5" -> "claude-sonnet-4-5"), the others keep their dots ("gpt-5.1",
 * "gemini-2.5-pro"). Dashes are never made dots: "llama-3-70b" is not a
 * version 3.70. Never NULL for a non-NULL name.
 */
char *au_model_id(const char *name);

/* A memo of au_model_id for a report that meets the same few names on
 * every row. One per report (not shared between threads). */
typedef struct au_model_ids au_model_ids;
au_model_ids *au_model_ids_new(void);
void au_model_ids_free(au_model_ids *m);
/* name's id; the string lives as long as m. */
const char *au_model_ids_get(au_model_ids *m, const char *name);

/* The steps, for the price lookup, which tries the table between them.
 * Each works in place on an ASCII-lowercased name (au_model_lower). */
void au_model_lower(char *s);
/* Length of the provider decoration at the start of s (0: none). */
size_t au_model_prefix_len(const char *s);
/* Cuts one trailing decoration off s; false when s ends in none. */
bool au_model_strip_suffix(char *s);
/* "4.5" -> "4-5" everywhere in s (a dot between two digits). */
void au_model_dots_to_dashes(char *s);

#endif
