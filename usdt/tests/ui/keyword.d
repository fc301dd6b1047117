provider type {
    probe start(uint8_t);
};
