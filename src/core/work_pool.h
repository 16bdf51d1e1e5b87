// A bounded pool of worker threads, so an operation on 500 services makes a few dozen
// threads instead of one per service. Work is handed to it through a WorkGroup: the jobs
// of one walk, or of one service's instances.
//
// Contract:
//  - at most size() jobs run on the pool's threads at once; threads are made only as jobs
//    need them (a three-service project makes three), and live until the pool goes;
//  - WorkGroup::wait() runs its own group's jobs that no worker has begun on the calling
//    thread, then waits for those begun. So a job that makes a group of its own and waits
//    for it never deadlocks, even with every worker busy waiting the same way;
//  - an exception a job throws is kept by its group (the first one) and rethrown by wait();
//  - WorkGroup::cancel() drops the group's jobs not yet begun; those begun run to their end.
// Thread-safe: any thread may add jobs to any group; one thread waits for a group.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace boss {

// Workers per container call in flight: a service spends most of its turn waiting (for
// its readiness, a hook, a slot of the engine gate), so a few services per slot keep the
// engine busy while the rest queue without a thread each.
inline constexpr std::size_t kWorkersPerEngineCall = 4;

class WorkGroup;

class WorkPool {
 public:
  explicit WorkPool(std::size_t size);  // 0 counts as 1
  ~WorkPool();  // joins the threads; every group must have been waited for
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  std::size_t size() const { return m_size; }
  // How many threads the pool has made so far (at most size()).
  std::size_t threads() const;

 private:
  friend class WorkGroup;
  struct Job {
    WorkGroup* group;
    std::function<void()> run;
  };
  void add(WorkGroup& group, std::function<void()> job);
  // Runs `job` and records its end in its group. Called without the lock held.
  void run_job(Job& job);
  void work();

  const std::size_t m_size;
  mutable std::mutex m_mutex;
  std::condition_variable m_queued;
  std::deque<Job> m_queue;
  std::vector<std::thread> m_threads;
  std::size_t m_idle = 0;  // threads waiting for a job
  bool m_stopping = false;
};

class WorkGroup {
 public:
  explicit WorkGroup(WorkPool& pool) : m_pool(pool) {}
  ~WorkGroup();  // cancel(), then waits for the jobs begun; an exception is dropped
  WorkGroup(const WorkGroup&) = delete;
  WorkGroup& operator=(const WorkGroup&) = delete;

  void run(std::function<void()> job) { m_pool.add(*this, std::move(job)); }
  // Drops the jobs no thread has begun; returns how many.
  std::size_t cancel();
  // Returns once every job of the group has ended (see the contract above).
  void wait();

 private:
  friend class WorkPool;
  WorkPool& m_pool;
  std::size_t m_unfinished = 0;  // queued or running; under the pool's mutex
  std::exception_ptr m_error;    // the first a job threw; under the pool's mutex
  std::condition_variable m_ended;
};

}  // namespace boss
