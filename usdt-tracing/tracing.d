/*
 * The probes ProbeLayer fires: tracing's spans and events. Span ids are tracing's
 * `span::Id` (0 for "none"); strings are NUL-terminated, fields formatted `name=value`
 * separated by spaces. Every string is made only while its probe is enabled.
 */
provider tracing {
	/* A span was created: its id, its parent's id, name, target and fields. */
	probe span__new(uint64_t id, uint64_t parent, char *name, char *target, char *fields);
	/* A span was entered on this thread, or exited. */
	probe span__enter(uint64_t id, char *name);
	probe span__exit(uint64_t id, char *name);
	/* Values recorded into an existing span (`span.record(...)`). */
	probe span__record(uint64_t id, char *name, char *fields);
	/* A span was closed (its last handle dropped). Its id may be reused after this. */
	probe span__close(uint64_t id, char *name);
	/* An event: its level, target, message, other fields, and the id of its span. */
	probe event(char *level, char *target, char *message, char *fields, uint64_t span);
};
