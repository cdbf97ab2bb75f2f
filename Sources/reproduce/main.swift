import Foundation
import ReproduceCLI

// Thin: parse, dispatch, print. Errors go to stderr with a non-zero exit status.
do {
  let invocation = try CommandLineSpec.parse(Array(CommandLine.arguments.dropFirst()))
  exit(try Commands.execute(invocation))
} catch let e as UsageError {
  FileHandle.standardError.write(Data("error: \(e)\n".utf8)); exit(2)
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8)); exit(1)
}
