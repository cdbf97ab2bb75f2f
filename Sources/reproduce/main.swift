@preconcurrency import Glibc
import Foundation
import Experiments
import ReproduceCLI

// Thin: parse, dispatch, print. Errors go to stderr with a non-zero exit status.
StopSignal.install()
setvbuf(stdout, nil, _IOLBF, 0)   // whole lines on stdout, so that they do not interleave with progress on stderr
do {
  let invocation = try CommandLineSpec.parse(Array(CommandLine.arguments.dropFirst()))
  exit(try Commands.execute(invocation))
} catch let e as UsageError {
  FileHandle.standardError.write(Data("error: \(e)\n".utf8)); exit(2)
} catch let e as Interrupted {
  FileHandle.standardError.write(Data("\(e)\n".utf8)); exit(130)
} catch let e as InvalidOption {
  FileHandle.standardError.write(Data("error: \(e)\n".utf8)); exit(2)
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8)); exit(1)
}
