/* Placeholder entry point; replaced by the real shim. */
int main(void) { return 0; }
