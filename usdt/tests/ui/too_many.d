provider test {
    probe many(int, int, int, int, int, int, int, int, int, int, int, int, int);
};
