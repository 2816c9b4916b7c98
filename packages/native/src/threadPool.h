// A fixed set of worker threads that run one parallel job at a time: job(index) for index 0..n-1, with the calling
// thread taking index 0. Threads sleep on a condition variable between jobs (a 2-core machine cannot spare a
// spinning core while JavaScript runs).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace scorekit {

class ThreadPool {
 public:
  static ThreadPool& shared();
  // Runs job(0..parts-1), part 0 on the calling thread; returns when all parts are done. Jobs run one at a time.
  void run(int parts, const std::function<void(int)>& job);
  int maxParts() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls range(first, last) over [0, count) in chunks of `per`, each chunk handed to whichever of up to `parts`
  // threads asks next (so a thread the OS puts aside holds up at most one chunk); one call over the whole range
  // when parts ≤ 1.
  void forEachChunk(int parts, int64_t count, int64_t per, const std::function<void(int64_t, int64_t)>& range);

 private:
  explicit ThreadPool(int workers);
  void loop(int index);

  std::vector<std::thread> workers_;
  std::mutex runMutex_;  // one job at a time (several Node worker threads may share the addon)
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
  int pending_ = 0;
  unsigned long generation_ = 0;
};

}  // namespace scorekit
