/* Every spelling of a C string, against C's <sys/sdt.h>. */
provider strs {
	probe plain(char *);
	probe constant(const char *);
	probe dstring(string);
	probe mixed(uint8_t, char *, int64_t, const char *);
};
