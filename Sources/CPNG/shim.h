// Not API: libpng, used to check rendered figures.
#include <png.h>
