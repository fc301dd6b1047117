/* The probes of a library crate: seen by tracers in any binary that links it. */
provider fixlib {
	probe called(uint64_t, char *);
};
