// tms::gram: WᵀW, entry (i, j) = W_i · W_j.
#include <doctest/doctest.h>

#include <type_traits>

#include <tms/analysis/gram.hpp>
#include <tms/models/relu_output_model.hpp>

TEST_CASE_TEMPLATE("gram is WᵀW with the features' dot products", Scalar, float, double) {
    Eigen::Matrix<Scalar, 2, 3> w;
    w << 1, 0, 2,  //
        0, 3, 4;
    const auto g = tms::gram(w);
    static_assert(std::is_same_v<std::decay_t<decltype(g)>, Eigen::Matrix<Scalar, 3, 3>>,
                  "a fixed-size W gives a fixed-size Gram matrix");
    Eigen::Matrix<Scalar, 3, 3> expected;
    expected << 1, 0, 2,  //
        0, 9, 12,         //
        2, 12, 20;
    CHECK(g == expected);
    CHECK(g.isApprox(g.transpose()));
}

TEST_CASE("gram of a dynamic W and of a model") {
    Eigen::MatrixXd w = Eigen::MatrixXd::Random(5, 20);
    const Eigen::MatrixXd g = tms::gram(w);
    CHECK(g.rows() == 20);
    CHECK(g.cols() == 20);
    CHECK(g(3, 7) == doctest::Approx(w.col(3).dot(w.col(7))));

    tms::ReluOutputModel<double> model(20, 5);
    model.W() = w;
    CHECK(tms::gram(model).isApprox(g));
}

TEST_CASE("gram of orthonormal features is the identity") {
    const Eigen::MatrixXd q = Eigen::MatrixXd::Identity(6, 4);
    CHECK(tms::gram(q).isApprox(Eigen::MatrixXd::Identity(4, 4)));
}
