/* Probes in functions the linker may drop, inline or instantiate more than once. */
provider gc {
	probe unused(uint64_t);
	probe unused_inline(uint64_t);
	probe used(uint64_t);
	probe inlined(uint64_t);
	probe generic(uint64_t);
};
