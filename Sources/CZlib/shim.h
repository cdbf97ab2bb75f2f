// Not API: zlib, used to inflate IDX .gz files and the MNIST wheel's deflated CSVs.
#include <zlib.h>
