/* Probes for the DTrace targets' objects: the most arguments a probe takes (six and more
   go beyond the argument registers), and a probe in a function no dynamic symbol names. */
provider dt {
	probe twelve(uint8_t, int16_t, uint32_t, int64_t, char *, uint64_t,
	    int8_t, uint16_t, int32_t, uint64_t, char *, uint64_t);
	probe local(uint64_t);
};
