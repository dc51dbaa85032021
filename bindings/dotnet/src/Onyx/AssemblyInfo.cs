using System.Reflection;
using System.Runtime.CompilerServices;

// One source of assembly attributes for both builds (mcs here, the .NET SDK with
// GenerateAssemblyInfo=false): keep the version in step with Onyx.csproj and the nuspec.
[assembly: AssemblyTitle("Onyx")]
[assembly: AssemblyDescription("Onyx: ONNX Runtime for .NET through the Onyx C ABI")]
[assembly: AssemblyCompany("Onyx contributors")]
[assembly: AssemblyProduct("Onyx")]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]
[assembly: AssemblyInformationalVersion("0.1.0")]
// The tests read the live native object count (OnyxHandle.LiveCount).
[assembly: InternalsVisibleTo("Onyx.Tests")]
