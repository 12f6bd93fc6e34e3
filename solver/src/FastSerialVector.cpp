// reesx — rare-earth solvent-extraction simulator. See LICENSE.
#include "reesx/solver/FastSerialVector.h"

#include "Vec4.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

namespace reesx::solver {
namespace {

double* data(N_Vector v)
{
    return NV_DATA_S(v);
}
long length(N_Vector v)
{
    return static_cast<long>(NV_LENGTH_S(v));
}

// The helpers are always inlined so that each of a kernel's clones (REESX_VECTOR_CLONES)
// compiles them for its own target: called out of line, the Vec4 arithmetic would run at the
// baseline's SSE2 width through memory whatever the CPU.
template <class T>
[[gnu::always_inline]] inline T load(const double* p)
{
    if constexpr (std::is_same_v<T, double>) {
        return *p;
    } else {
        return *reinterpret_cast<const Vec4*>(p);
    }
}

//! The sum of term(i, T{}) over i < n, where term returns entries i..i+3 as a Vec4 when T is
//! Vec4 and entry i alone when T is double. Two vector partial sums: the reduction runs four
//! entries wide with no branches (the compiler would not reassociate a scalar loop by itself,
//! and a mask written as a branch mispredicts at every change between differential and
//! algebraic unknowns).
template <class Term>
[[gnu::always_inline]] inline double sum_of(long n, Term term)
{
    Vec4 s0{}, s1{};
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        s0 += term(i, Vec4{});
        s1 += term(i + 4, Vec4{});
    }
    for (; i + 4 <= n; i += 4) {
        s0 += term(i, Vec4{});
    }
    const Vec4 s = s0 + s1;
    double total = (s[0] + s[1]) + (s[2] + s[3]);
    for (; i < n; ++i) {
        total += term(i, 0.0);
    }
    return total;
}

void linear_sum(double a, N_Vector x, double b, N_Vector y, N_Vector z)
{
    const double *xd = data(x), *yd = data(y);
    double* zd = data(z);  // may be x or y: each element is read before it is written
    const long n = length(x);
    for (long i = 0; i < n; ++i) {
        zd[i] = a * xd[i] + b * yd[i];
    }
}

void constant(double c, N_Vector z)
{
    std::fill_n(data(z), length(z), c);
}

void product(N_Vector x, N_Vector y, N_Vector z)
{
    const double *xd = data(x), *yd = data(y);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = xd[i] * yd[i];
    }
}

void quotient(N_Vector x, N_Vector y, N_Vector z)
{
    const double *xd = data(x), *yd = data(y);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = xd[i] / yd[i];
    }
}

void scale(double c, N_Vector x, N_Vector z)
{
    const double* xd = data(x);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = c * xd[i];
    }
}

void absolute(N_Vector x, N_Vector z)
{
    const double* xd = data(x);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = std::abs(xd[i]);
    }
}

void inverse(N_Vector x, N_Vector z)
{
    const double* xd = data(x);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = 1.0 / xd[i];
    }
}

void add_constant(N_Vector x, double b, N_Vector z)
{
    const double* xd = data(x);
    double* zd = data(z);
    for (long i = 0, n = length(x); i < n; ++i) {
        zd[i] = xd[i] + b;
    }
}

REESX_VECTOR_CLONES double dot_product(N_Vector x, N_Vector y)
{
    const double *xd = data(x), *yd = data(y);
    return sum_of(length(x), [&](long i, auto tag) {
        using T = decltype(tag);
        return load<T>(xd + i) * load<T>(yd + i);
    });
}

double max_norm(N_Vector x)
{
    const double* xd = data(x);
    double m = 0.0;
    for (long i = 0, n = length(x); i < n; ++i) {
        m = std::max(m, std::abs(xd[i]));
    }
    return m;
}

double minimum(N_Vector x)
{
    const double* xd = data(x);
    double m = std::numeric_limits<double>::max();
    for (long i = 0, n = length(x); i < n; ++i) {
        m = std::min(m, xd[i]);
    }
    return m;
}

REESX_VECTOR_CLONES double weighted_square_sum(N_Vector x, N_Vector w)
{
    const double *xd = data(x), *wd = data(w);
    return sum_of(length(x), [&](long i, auto tag) {
        using T = decltype(tag);
        const T p = load<T>(xd + i) * load<T>(wd + i);
        return p * p;
    });
}

REESX_VECTOR_CLONES double weighted_square_sum_masked(N_Vector x, N_Vector w, N_Vector id)
{
    const double *xd = data(x), *wd = data(w), *idd = data(id);
    return sum_of(length(x), [&](long i, auto tag) {
        using T = decltype(tag);
        const T p = load<T>(xd + i) * load<T>(wd + i);
        return load<T>(idd + i) > T{} ? p * p : T{};
    });
}

double wrms_norm(N_Vector x, N_Vector w)
{
    return std::sqrt(weighted_square_sum(x, w) / static_cast<double>(length(x)));
}

double wrms_norm_masked(N_Vector x, N_Vector w, N_Vector id)
{
    return std::sqrt(weighted_square_sum_masked(x, w, id) / static_cast<double>(length(x)));
}

double weighted_l2_norm(N_Vector x, N_Vector w)
{
    return std::sqrt(weighted_square_sum(x, w));
}

REESX_VECTOR_CLONES double l1_norm(N_Vector x)
{
    const double* xd = data(x);
    return sum_of(length(x), [&](long i, auto tag) {
        using T = decltype(tag);
        const T v = load<T>(xd + i);
        return v < T{} ? -v : v;
    });
}

//! z = sum_k c_k x_k, two terms per pass; z may be x_0 (as SUNDIALS allows), which the first
//! pass reads before it writes.
int linear_combination(int count, double* c, N_Vector* x, N_Vector z)
{
    if (count < 1) {
        return -1;  // as SUNDIALS' own: nothing to combine
    }
    double* zd = data(z);
    const long n = length(z);
    if (count == 1) {
        scale(c[0], x[0], z);
        return 0;
    }
    const double *x0 = data(x[0]), *x1 = data(x[1]);
    for (long i = 0; i < n; ++i) {
        zd[i] = c[0] * x0[i] + c[1] * x1[i];
    }
    // Further terms two at a time: a pass over z reads and writes it once per pair.
    int k = 2;
    for (; k + 1 < count; k += 2) {
        const double *xa = data(x[k]), *xb = data(x[k + 1]);
        const double ca = c[k], cb = c[k + 1];
        for (long i = 0; i < n; ++i) {
            zd[i] += ca * xa[i] + cb * xb[i];
        }
    }
    if (k < count) {
        const double* xa = data(x[k]);
        const double ca = c[k];
        for (long i = 0; i < n; ++i) {
            zd[i] += ca * xa[i];
        }
    }
    return 0;
}

//! z_k = a_k x + y_k for k < count.
int scale_add_multi(int count, double* a, N_Vector x, N_Vector* y, N_Vector* z)
{
    if (count < 1) {
        return -1;
    }
    const double* xd = data(x);
    const long n = length(x);
    for (int k = 0; k < count; ++k) {
        const double* yd = data(y[k]);
        double* zd = data(z[k]);
        const double ak = a[k];
        for (long i = 0; i < n; ++i) {
            zd[i] = ak * xd[i] + yd[i];
        }
    }
    return 0;
}

int dot_product_multi(int count, N_Vector x, N_Vector* y, double* dots)
{
    for (int k = 0; k < count; ++k) {
        dots[k] = dot_product(x, y[k]);
    }
    return 0;
}

}  // namespace

REESX_VECTOR_CLONES bool set_error_weights(N_Vector y, double relative, double absolute,
                                           N_Vector weights)
{
    const double* yd = data(y);
    double* wd = data(weights);
    const long n = length(y);
    // tolerance_i = relative |y_i| + absolute, four at a time (one division instruction for
    // four weights); `positive` lanes stay all ones (-1) while every tolerance is > 0 (not NaN).
    typedef long Mask4 __attribute__((vector_size(32)));
    const Vec4 rv = Vec4{} + relative, av = Vec4{} + absolute;
    Mask4 positive_lanes = Mask4{} - 1;
    long i = 0;
    for (; i + 4 <= n; i += 4) {
        const Vec4 v = load<Vec4>(yd + i);
        const Vec4 tolerance = rv * (v < Vec4{} ? -v : v) + av;
        positive_lanes &= tolerance > Vec4{};
        *reinterpret_cast<Vec4*>(wd + i) = 1.0 / tolerance;
    }
    bool positive =
        (positive_lanes[0] & positive_lanes[1] & positive_lanes[2] & positive_lanes[3]) != 0;
    for (; i < n; ++i) {
        const double tolerance = relative * std::abs(yd[i]) + absolute;
        positive = positive && tolerance > 0.0;
        wd[i] = 1.0 / tolerance;
    }
    return positive;
}

void use_fast_operations(N_Vector v)
{
    N_Vector_Ops ops = v->ops;
    ops->nvlinearsum = linear_sum;
    ops->nvconst = constant;
    ops->nvprod = product;
    ops->nvdiv = quotient;
    ops->nvscale = scale;
    ops->nvabs = absolute;
    ops->nvinv = inverse;
    ops->nvaddconst = add_constant;
    ops->nvdotprod = dot_product;
    ops->nvmaxnorm = max_norm;
    ops->nvwrmsnorm = wrms_norm;
    ops->nvwrmsnormmask = wrms_norm_masked;
    ops->nvmin = minimum;
    ops->nvwl2norm = weighted_l2_norm;
    ops->nvl1norm = l1_norm;
    ops->nvlinearcombination = linear_combination;
    ops->nvscaleaddmulti = scale_add_multi;
    ops->nvdotprodmulti = dot_product_multi;
    ops->nvdotprodlocal = dot_product;
    ops->nvmaxnormlocal = max_norm;
    ops->nvminlocal = minimum;
    ops->nvl1normlocal = l1_norm;
    ops->nvwsqrsumlocal = weighted_square_sum;
    ops->nvwsqrsummasklocal = weighted_square_sum_masked;
}

}  // namespace reesx::solver
