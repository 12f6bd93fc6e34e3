// reesx — rare-earth solvent-extraction simulator. See LICENSE.
//
// use_fast_operations: every replaced operation against SUNDIALS' own serial vector on the
// same random data (a length that is no multiple of 4, to reach the loops' remainders), to
// a few ulps of the result's magnitude (reductions sum in another order); the clones IDA
// makes carry the replaced operations; and set_error_weights gives IDA's weights.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <vector>

#include "reesx/solver/FastSerialVector.h"

namespace {

constexpr sunindextype length = 1007;  // 8 k + 7: every remainder loop runs

struct Context {
    SUNContext context = nullptr;
    Context() { SUNContext_Create(nullptr, &context); }
    ~Context() { SUNContext_Free(&context); }
};

struct Vector {
    N_Vector v;
    Vector(SUNContext context, bool fast, unsigned seed, double offset = 0.0)
        : v(N_VNew_Serial(length, context))
    {
        if (fast) {
            reesx::solver::use_fast_operations(v);
        }
        std::srand(seed);
        for (sunindextype i = 0; i < length; ++i) {
            NV_Ith_S(v, i) = 2.0 * std::rand() / RAND_MAX - 1.0 + offset;
        }
    }
    ~Vector() { N_VDestroy(v); }
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
};

double max_difference(N_Vector a, N_Vector b)
{
    double d = 0.0;
    for (sunindextype i = 0; i < length; ++i) {
        d = std::max(d, std::abs(NV_Ith_S(a, i) - NV_Ith_S(b, i)));
    }
    return d;
}

//! Runs `op` on vectors with SUNDIALS' operations and on the same data with the fast ones.
template <class Op>
void expect_same(const char* name, Op op)
{
    Context c;
    Vector x(c.context, false, 1u, 0.0), y(c.context, false, 2u, 3.0), z(c.context, false, 3u);
    Vector fx(c.context, true, 1u, 0.0), fy(c.context, true, 2u, 3.0), fz(c.context, true, 3u);
    const double reference = op(x.v, y.v, z.v);
    const double fast = op(fx.v, fy.v, fz.v);
    EXPECT_NEAR(fast, reference, 1e-13 * std::max(1.0, std::abs(reference))) << name;
    EXPECT_LT(max_difference(z.v, fz.v), 1e-14) << name;
    EXPECT_LT(max_difference(x.v, fx.v), 1e-14) << name << " (in place)";
}

}  // namespace

TEST(FastSerialVector, elementwiseOperationsMatchSundials)
{
    expect_same("linear sum", [](N_Vector x, N_Vector y, N_Vector z) {
        N_VLinearSum(0.3, x, -1.7, y, z);
        N_VLinearSum(2.0, x, 0.5, z, x);  // in place, as IDA does
        return 0.0;
    });
    expect_same("const", [](N_Vector, N_Vector, N_Vector z) {
        N_VConst(0.25, z);
        return 0.0;
    });
    expect_same("prod, div", [](N_Vector x, N_Vector y, N_Vector z) {
        N_VProd(x, y, z);
        N_VDiv(z, y, x);
        return 0.0;
    });
    expect_same("scale, abs, inv, addconst", [](N_Vector x, N_Vector y, N_Vector z) {
        N_VScale(-2.5, x, z);
        N_VAbs(z, x);
        N_VInv(y, z);
        N_VAddConst(z, 0.75, z);
        return 0.0;
    });
}

TEST(FastSerialVector, reductionsMatchSundials)
{
    expect_same("dot", [](N_Vector x, N_Vector y, N_Vector) { return N_VDotProd(x, y); });
    expect_same("max norm", [](N_Vector x, N_Vector, N_Vector) { return N_VMaxNorm(x); });
    expect_same("min", [](N_Vector x, N_Vector, N_Vector) { return N_VMin(x); });
    expect_same("wrms", [](N_Vector x, N_Vector y, N_Vector) { return N_VWrmsNorm(x, y); });
    expect_same("wrms mask", [](N_Vector x, N_Vector y, N_Vector z) {
        return N_VWrmsNormMask(x, y, z);  // z: about half the entries positive
    });
    expect_same("wl2", [](N_Vector x, N_Vector y, N_Vector) { return N_VWL2Norm(x, y); });
    expect_same("l1", [](N_Vector x, N_Vector, N_Vector) { return N_VL1Norm(x); });
}

TEST(FastSerialVector, fusedOperationsMatchTheirDefinitions)
{
    Context c;
    for (const int count : {1, 2, 3, 4, 5}) {
        std::vector<std::unique_ptr<Vector>> x;
        std::vector<N_Vector> xv;
        std::vector<double> coefficients;
        for (int k = 0; k < count; ++k) {
            x.push_back(std::make_unique<Vector>(c.context, true, 10u + k));
            xv.push_back(x.back()->v);
            coefficients.push_back(0.5 - k);
        }
        // z = sum c_k x_k, into a fresh vector and into x_0 itself.
        Vector expected(c.context, false, 99u), z(c.context, true, 98u);
        for (sunindextype i = 0; i < length; ++i) {
            double sum = 0.0;
            for (int k = 0; k < count; ++k) {
                sum += coefficients[k] * NV_Ith_S(xv[k], i);
            }
            NV_Ith_S(expected.v, i) = sum;
        }
        ASSERT_EQ(N_VLinearCombination(count, coefficients.data(), xv.data(), z.v), 0);
        EXPECT_LT(max_difference(z.v, expected.v), 1e-14) << count << " terms";
        ASSERT_EQ(N_VLinearCombination(count, coefficients.data(), xv.data(), xv[0]), 0);
        EXPECT_LT(max_difference(xv[0], expected.v), 1e-14) << count << " terms into x_0";
    }
    // z_k = a_k x + y_k and the dot products of x with each y_k.
    Vector x(c.context, true, 20u), y0(c.context, true, 21u), y1(c.context, true, 22u);
    Vector z0(c.context, true, 23u), z1(c.context, true, 24u);
    double a[] = {2.0, -3.0}, dots[2] = {0.0, 0.0};
    N_Vector y[] = {y0.v, y1.v}, z[] = {z0.v, z1.v};
    ASSERT_EQ(N_VScaleAddMulti(2, a, x.v, y, z), 0);
    ASSERT_EQ(N_VDotProdMulti(2, x.v, y, dots), 0);
    for (sunindextype i = 0; i < length; ++i) {
        EXPECT_DOUBLE_EQ(NV_Ith_S(z0.v, i), 2.0 * NV_Ith_S(x.v, i) + NV_Ith_S(y0.v, i));
        EXPECT_DOUBLE_EQ(NV_Ith_S(z1.v, i), -3.0 * NV_Ith_S(x.v, i) + NV_Ith_S(y1.v, i));
    }
    for (int k = 0; k < 2; ++k) {
        double dot = 0.0;
        for (sunindextype i = 0; i < length; ++i) {
            dot += NV_Ith_S(x.v, i) * NV_Ith_S(y[k], i);
        }
        EXPECT_NEAR(dots[k], dot, 1e-12);
    }
}

TEST(FastSerialVector, clonesKeepTheFastOperations)
{
    Context c;
    Vector x(c.context, true, 30u);
    N_Vector clone = N_VClone(x.v);
    EXPECT_EQ(clone->ops->nvwrmsnormmask, x.v->ops->nvwrmsnormmask);
    EXPECT_NE(clone->ops->nvlinearcombination, nullptr);
    N_VDestroy(clone);
}

TEST(FastSerialVector, errorWeightsAreIdasAndRefuseNonPositiveTolerances)
{
    Context c;
    Vector y(c.context, true, 40u), weights(c.context, true, 41u);
    ASSERT_TRUE(reesx::solver::set_error_weights(y.v, 1e-6, 1e-14, weights.v));
    for (sunindextype i = 0; i < length; ++i) {
        EXPECT_DOUBLE_EQ(NV_Ith_S(weights.v, i), 1.0 / (1e-6 * std::abs(NV_Ith_S(y.v, i)) + 1e-14));
    }
    // Without an absolute tolerance a zero entry has no weight: in a vector lane, in the
    // remainder, and a NaN anywhere.
    for (const sunindextype bad : {sunindextype{5}, length - 1}) {
        for (const double value : {0.0, std::nan("")}) {
            Vector z(c.context, true, 42u);
            NV_Ith_S(z.v, bad) = value;
            EXPECT_FALSE(reesx::solver::set_error_weights(z.v, 1e-6, 0.0, weights.v))
                << "entry " << bad << " = " << value;
            EXPECT_TRUE(reesx::solver::set_error_weights(z.v, 1e-6, 1e-14, weights.v) ||
                        std::isnan(value));
        }
    }
}
