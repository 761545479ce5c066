// Umbrella header for the system BLAS/LAPACK used by PlanKernels.
// Debian: libopenblas-dev (cblas.h, openblas_get_corename) and liblapacke-dev (lapacke.h).
#include <cblas.h>
#include <lapacke.h>
