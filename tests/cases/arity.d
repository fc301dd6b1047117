/* The most arguments a probe takes, and none. */
provider arity {
	probe twelve(int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, char *, int8_t, int64_t, uint64_t);
	probe none();
};
