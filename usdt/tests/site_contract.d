/* Every argument shape a D provider can declare, for tests/site_contract.rs. */
typedef size_t length_t;

provider contract {
    probe none();
    probe unsigned_ints(uint8_t, uint16_t, uint32_t, uint64_t, size_t, length_t);
    probe signed_ints(int8_t, int16_t, int32_t, int64_t, ssize_t, char);
    probe c_ints(unsigned char, short, int, long, long long, unsigned long);
    probe scalars(_Bool, float, double);
    probe strings(char *, const char *, string);
    probe pointers(uint8_t *, void *, char **, struct opaque *);
    probe twelve(uint8_t, uint16_t, uint32_t, uint64_t, int8_t, int16_t,
        int32_t, int64_t, float, double, char *, void *);
};
