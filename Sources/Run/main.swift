import App
import NIOCore
import NIOPosix
import Vapor

// Swift concurrency runs its tasks on NIO's event loops, so a request does not hop between an
// event loop and Swift's own thread pool at every `await`; Vapor's project template does this too.
// It must come before the first `await`. Work that would block a loop (a file upload's write)
// goes to `app.threadPool`.
let onEventLoops = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// `shegong serve --demo`: Vapor's serve command does not know `--demo`, so it is taken off here.
var arguments = CommandLine.arguments
let demo = arguments.contains("--demo")
arguments.removeAll { $0 == "--demo" }

var env = try Environment.detect(arguments: arguments)
try LoggingSystem.bootstrap(from: &env)
let app = try await Application.make(env)
app.logger.debug("Swift concurrency runs on \(onEventLoops ? "NIO's event loops" : "its default executor")")
do {
    try await configure(app, demo: demo)
    try await prepareForServing(app)
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
