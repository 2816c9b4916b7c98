#include "threadPool.h"

#include <algorithm>
#include <atomic>

namespace scorekit {

ThreadPool& ThreadPool::shared() {
  // Never destroyed: worker threads are left blocked at exit rather than joined from a static destructor.
  static ThreadPool* pool = new ThreadPool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) - 1);
  return *pool;
}

ThreadPool::ThreadPool(int workers) {
  for (int i = 0; i < workers; i++) {
    workers_.emplace_back([this, i] { loop(i + 1); });
    workers_.back().detach();
  }
}

void ThreadPool::loop(int index) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(int)>* job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (index >= parts_) continue;
      job = job_;
    }
    (*job)(index);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--pending_ == 0) done_.notify_one();
  }
}

void ThreadPool::run(int parts, const std::function<void(int)>& job) {
  if (parts > maxParts()) parts = maxParts();
  if (parts <= 1) {
    job(0);
    return;
  }
  std::lock_guard<std::mutex> one(runMutex_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &job;
    parts_ = parts;
    pending_ = parts - 1;
    generation_++;
  }
  wake_.notify_all();
  job(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return pending_ == 0; });
  job_ = nullptr;
}

void ThreadPool::forEachChunk(int parts, int64_t count, int64_t per, const std::function<void(int64_t, int64_t)>& range) {
  if (count <= 0) return;
  if (parts <= 1) {
    range(0, count);
    return;
  }
  std::atomic<int64_t> next{0};
  run(parts, [&](int) {
    for (int64_t first; (first = next.fetch_add(per, std::memory_order_relaxed)) < count;)
      range(first, std::min(count, first + per));
  });
}

}  // namespace scorekit
