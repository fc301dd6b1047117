/* intptr_t and uintptr_t, against C's <sys/sdt.h>. */
provider ptrints {
	probe iptr(intptr_t, intptr_t, intptr_t, intptr_t);
	probe uptr(uintptr_t, uintptr_t, uintptr_t, uintptr_t);
};
