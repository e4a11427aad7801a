import Foundation
import Synchronization

extension Array where Element: Sendable {
    /// `map` on every core, results in order: the elements in chunks of `chunk`, one chunk per
    /// iteration of `DispatchQueue.concurrentPerform`. It returns when all are done; the calling
    /// thread works too. For CPU-bound work on many elements (checking an imported sheet's rows).
    public func concurrentMap<T: Sendable>(chunk: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let parts = Mutex<[Int: [T]]>([:])
        let count = (self.count + chunk - 1) / chunk
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: count) { part in
                let mapped = self[part * chunk..<Swift.min((part + 1) * chunk, self.count)].map(transform)
                parts.withLock { $0[part] = mapped }
            }
        }
        return parts.withLock { parts in (0..<count).flatMap { parts[$0]! } }
    }
}
