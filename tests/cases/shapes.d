/*
 * Shapes of provider files found in real projects: two providers in one file, a probe
 * name with `__` (DTrace's `-`), named parameters, comments between declarations.
 */
provider app {
	/* a request starts */
	probe request__start(uint64_t id, const char *path);
	probe request__done(uint64_t id, int status); // and ends
};

provider db {
	probe query(char *sql, uint32_t rows);
};
