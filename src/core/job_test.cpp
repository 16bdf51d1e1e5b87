#include "core/job.h"

#include <doctest/doctest.h>

using namespace boss;

TEST_CASE("job: 0 and success_exit_codes are successes, any other code is not") {
  JobSpec job;
  CHECK(is_success(job, 0));
  CHECK_FALSE(is_success(job, 1));
  job.success_exit_codes = {3, 75};
  CHECK(is_success(job, 0));
  CHECK(is_success(job, 3));
  CHECK(is_success(job, 75));
  CHECK_FALSE(is_success(job, 4));
  CHECK_FALSE(is_success(job, 137));
}

TEST_CASE("job: a failed attempt is run again while the limit allows") {
  JobSpec job;
  CHECK_FALSE(should_retry(job, 1, 1));  // no retries by default
  job.retries.limit = 2;
  CHECK(should_retry(job, 1, 1));
  CHECK(should_retry(job, 2, 1));
  CHECK_FALSE(should_retry(job, 3, 1));  // 1 run + 2 reruns
  CHECK(should_retry(job, 1, std::nullopt));  // a timeout is a failure like any other
}

TEST_CASE("job: with on_exit, only those exit codes are run again, and never a timeout") {
  JobSpec job;
  job.retries.limit = 5;
  job.retries.on_exit = {75};
  CHECK(should_retry(job, 1, 75));
  CHECK_FALSE(should_retry(job, 1, 1));
  CHECK_FALSE(should_retry(job, 1, std::nullopt));
  CHECK_FALSE(should_retry(job, 6, 75));
}

TEST_CASE("job: the delay before a rerun grows by backoff and stops at max_delay") {
  RetryPolicy r;
  r.delay = 1;
  r.backoff = 2;
  r.max_delay = 30;
  CHECK(retry_delay(r, 1) == doctest::Approx(1));
  CHECK(retry_delay(r, 2) == doctest::Approx(2));
  CHECK(retry_delay(r, 3) == doctest::Approx(4));
  CHECK(retry_delay(r, 5) == doctest::Approx(16));
  CHECK(retry_delay(r, 6) == doctest::Approx(30));
  CHECK(retry_delay(r, 10000) == doctest::Approx(30));  // no overflow on the way
  r.backoff = 1;
  CHECK(retry_delay(r, 7) == doctest::Approx(1));
  r.delay = 0;
  CHECK(retry_delay(r, 3) == doctest::Approx(0));
  r.delay = 0.5;
  r.backoff = 3;
  r.max_delay = 100;
  CHECK(retry_delay(r, 3) == doctest::Approx(4.5));
}
