// Dense symmetric factorisations for FID's trace term, compiled to WebAssembly by build-wasm.sh.
//
// The numerical work is Eigen 3.4's (SelfAdjointEigenSolver: Householder tridiagonalisation then implicit
// symmetric QR; LLT: blocked Cholesky). This file only marshals row-major float64 buffers in and out, so the
// JavaScript side can ask for eigenvalues alone — the O(d³) eigenvector accumulation is what made the pure-JS
// JAMA solver slow.
//
// Every export returns 0 on success and a positive code on failure (see src/internal/symmetricEigen.ts).
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cstdlib>

namespace {
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr int kOk = 0;
constexpr int kNoConvergence = 1;
constexpr int kNotPositiveDefinite = 2;
}  // namespace

extern "C" {

__attribute__((export_name("allocate_doubles"))) double* allocate_doubles(int count) {
  return static_cast<double*>(std::malloc(sizeof(double) * static_cast<size_t>(count)));
}

// Eigenvalues, ascending, of the symmetric n × n matrix `a` (its lower triangle is read).
__attribute__((export_name("symmetric_eigenvalues"))) int symmetric_eigenvalues(const double* a, int n, double* values) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(Eigen::Map<const Eigen::MatrixXd>(a, n, n),
                                                        Eigen::EigenvaluesOnly);
  if (solver.info() != Eigen::Success) return kNoConvergence;
  Eigen::Map<Eigen::VectorXd>(values, n) = solver.eigenvalues();
  return kOk;
}

// Eigenvalues (ascending) and orthonormal eigenvectors: row-major `vectors`, column i belongs to values[i].
__attribute__((export_name("symmetric_eigen"))) int symmetric_eigen(const double* a, int n, double* values,
                                                                    double* vectors) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(Eigen::Map<const Eigen::MatrixXd>(a, n, n),
                                                        Eigen::ComputeEigenvectors);
  if (solver.info() != Eigen::Success) return kNoConvergence;
  Eigen::Map<Eigen::VectorXd>(values, n) = solver.eigenvalues();
  Eigen::Map<RowMajor>(vectors, n, n) = solver.eigenvectors();
  return kOk;
}

// Lower Cholesky factor L (A = LLᵀ), row-major with zeros above the diagonal; fails unless A is positive definite.
__attribute__((export_name("cholesky_lower"))) int cholesky_lower(const double* a, int n, double* lower) {
  Eigen::LLT<RowMajor> llt(Eigen::Map<const RowMajor>(a, n, n));
  if (llt.info() != Eigen::Success) return kNotPositiveDefinite;
  Eigen::Map<RowMajor>(lower, n, n) = llt.matrixL();
  return kOk;
}

}  // extern "C"
