/* Every integer spelling at its extremes, against C's <sys/sdt.h>. */
provider ints {
	probe s8(int8_t, int8_t, int8_t, int8_t);
	probe s16(int16_t, int16_t, int16_t, int16_t);
	probe s32(int32_t, int32_t, int32_t, int32_t);
	probe s64(int64_t, int64_t, int64_t, int64_t);
	probe u8(uint8_t, uint8_t, uint8_t, uint8_t);
	probe u16(uint16_t, uint16_t, uint16_t, uint16_t);
	probe u32(uint32_t, uint32_t, uint32_t, uint32_t);
	probe u64(uint64_t, uint64_t, uint64_t, uint64_t);
	probe c_char(char, char, char, char);
	probe c_schar(signed char, signed char, signed char, signed char);
	probe c_uchar(unsigned char, unsigned char, unsigned char, unsigned char);
	probe c_short(short, short, short, short);
	probe c_ushort(unsigned short, unsigned short, unsigned short, unsigned short);
	probe c_int(int, int, int, int);
	probe c_uint(unsigned int, unsigned int, unsigned int, unsigned int);
	probe c_long(long, long, long, long);
	probe c_ulong(unsigned long, unsigned long, unsigned long, unsigned long);
	probe c_llong(long long, long long, long long, long long);
	probe c_ullong(unsigned long long, unsigned long long, unsigned long long, unsigned long long);
};
