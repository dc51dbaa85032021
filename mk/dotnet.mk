# .NET (C#): the Onyx library (netstandard2.0) built with Mono's mcs, its NuGet package,
# the shared suite in NUnit, a consumer that installs the package from a local feed, and a
# benchmark. Everything lands in build/dotnet/. A .NET SDK user builds the same sources
# with bindings/dotnet/src/Onyx/Onyx.csproj instead (no .NET SDK here).
TEST_TARGETS += test-dotnet
DEMO_TARGETS += demo-dotnet
BENCH_TARGETS += bench-dotnet

DOTNET_VERSION := $(ONYX_VERSION)
DOTNET_SRC := $(ROOT)/bindings/dotnet
DOTNET_BUILD := $(ROOT)/build/dotnet
DOTNET_LIB := $(DOTNET_BUILD)/lib
DOTNET_NUPKG := $(DOTNET_BUILD)/package/Onyx.$(DOTNET_VERSION).nupkg
DOTNET_CONSUMER := $(DOTNET_BUILD)/consumer
# netstandard2.0 from Mono's reference assemblies, so the dll is what a .NET SDK would build.
MCS_NETSTANDARD := -nostdlib -noconfig -lib:/usr/lib/mono/4.7.2-api -lib:/usr/lib/mono/4.7.2-api/Facades \
  -r:mscorlib.dll -r:netstandard.dll -r:System.dll -r:System.Core.dll
# Executables target Mono's own profile and see netstandard.dll through its facade.
MCS_EXE := -langversion:7.2 -r:/usr/lib/mono/4.5/Facades/netstandard.dll -r:System.Core.dll
# Looked up by the recipe's shell: on a fresh machine `toolchain` installs NUnit after make reads this file.
NUNIT_FRAMEWORK = $$(ls /usr/lib/cli/nunit.framework-2.6*/nunit.framework.dll | head -n1)
ONYX_NATIVES := $(ONYX_LIB) $(ORT_LIB)

.PHONY: dotnet-lib package-dotnet dotnet-tests test-dotnet test-dotnet-suite conformance-csharp consumer-dotnet demo-dotnet bench-dotnet

# -warnaserror makes a public member without an XML doc comment (CS1591) an error.
dotnet-lib: toolchain
	@echo "onyx: [csharp] compiling Onyx.dll (netstandard2.0, mcs) into build/dotnet/lib"
	@mkdir -p $(DOTNET_LIB)
	@mcs -target:library -unsafe -optimize+ -langversion:7.2 -warn:4 -warnaserror+ -nologo $(MCS_NETSTANDARD) \
	  -out:$(DOTNET_LIB)/Onyx.dll -doc:$(DOTNET_LIB)/Onyx.xml $(DOTNET_SRC)/src/Onyx/*.cs

package-dotnet: dotnet-lib lib ort
	@echo "onyx: [csharp] packing build/dotnet/package/$(notdir $(DOTNET_NUPKG))"
	@python3 $(DOTNET_SRC)/packaging/pack.py --out $(DOTNET_NUPKG) \
	  --dll $(DOTNET_LIB)/Onyx.dll --xml $(DOTNET_LIB)/Onyx.xml \
	  --native $(ONYX_LIB) --native $(ORT_LIB) $(DOTNET_RUNTIME_ARGS) --ort-licenses $(ORT_DIR) --readme $(DOTNET_SRC)/README.md

test-dotnet: test-dotnet-suite consumer-dotnet

# The suite and the binding's own tests, built against the Onyx.dll that goes in the package,
# with the natives beside the test assembly (as the package's targets file places them).
# nunit-console exits with the number of failed tests. -domain=None: the tests run in
# nunit-console's own AppDomain, because Mono 6.8 never finishes unloading a domain that
# native threads called into (Onyx's workers and ONNX Runtime's threads, through RunAsync
# and the log callback), and nunit-console would otherwise unload the test domain at the end.
dotnet-tests: package-dotnet
	@echo "onyx: [csharp] compiling the NUnit tests (mcs) into build/dotnet/tests"
	@rm -rf $(DOTNET_BUILD)/tests && mkdir -p $(DOTNET_BUILD)/tests
	@cp $(DOTNET_LIB)/Onyx.dll $(NUNIT_FRAMEWORK) $(ONYX_NATIVES) $(DOTNET_BUILD)/tests/
	@mcs -target:exe -unsafe -nologo $(MCS_EXE) -r:$(DOTNET_BUILD)/tests/Onyx.dll -r:$(NUNIT_FRAMEWORK) \
	  -out:$(DOTNET_BUILD)/tests/Onyx.Tests.exe $(DOTNET_SRC)/tests/Onyx.Tests/*.cs

test-dotnet-suite: dotnet-tests fixtures | $(LOGS)
	@echo "onyx: [csharp] the shared suite and the binding's tests (nunit-console)"
	@cd $(DOTNET_BUILD)/tests && env -u ONYX_ORT_LIBRARY ONYX_SUITE_SPEC=$(SPEC) \
	  nunit-console -nologo -noshadow -domain=None -xml=$(DOTNET_BUILD)/tests/TestResult.xml Onyx.Tests.exe 2>&1 | tee $(LOGS)/csharp.log

# ONNX's backend test suite through the C# API: one mono process for every case
# (Onyx.Tests.exe conformance, tests/Onyx.Tests/Conformance.cs).
TEST_TARGETS += conformance-csharp
conformance-csharp: dotnet-tests conformance-fixtures | $(LOGS)
	@echo "onyx: [csharp] ONNX's backend test suite through the C# API (.cache/conformance)"
	@cd $(DOTNET_BUILD)/tests && env -u ONYX_ORT_LIBRARY $(CONFORMANCE_ENV) mono Onyx.Tests.exe conformance 2>&1 \
	  | grep --line-buffered -v '^onyx: onnxruntime' | tee $(LOGS)/csharp-conformance.log

# examples/dotnet as a package user gets it: the .nupkg in a fresh folder feed, installed
# with nuget, compiled against the package's Onyx.dll, natives copied from the package
# beside the exe (what build/Onyx.targets does in MSBuild), run with no library paths set.
consumer-dotnet: package-dotnet fixtures
	@echo "onyx: [csharp] installing Onyx $(DOTNET_VERSION) from a local feed and building examples/dotnet"
	@rm -rf $(DOTNET_CONSUMER) && mkdir -p $(DOTNET_CONSUMER)/feed $(DOTNET_CONSUMER)/app
	@cp $(DOTNET_NUPKG) $(DOTNET_CONSUMER)/feed/
	@nuget install Onyx -Version $(DOTNET_VERSION) -Source $(DOTNET_CONSUMER)/feed \
	  -OutputDirectory $(DOTNET_CONSUMER)/packages -NonInteractive -NoCache > $(DOTNET_CONSUMER)/nuget.log 2>&1 \
	  || { cat $(DOTNET_CONSUMER)/nuget.log >&2; exit 1; }
	@pkg=$(DOTNET_CONSUMER)/packages/Onyx.$(DOTNET_VERSION); \
	  mcs -target:exe -nologo $(MCS_EXE) -r:$$pkg/lib/netstandard2.0/Onyx.dll -out:$(DOTNET_CONSUMER)/app/OnyxExample.exe $(ROOT)/examples/dotnet/Program.cs && \
	  cp $$pkg/lib/netstandard2.0/Onyx.dll $$pkg/runtimes/linux-x64/native/* $(DOTNET_CONSUMER)/app/
	@echo "onyx: [csharp] running examples/dotnet from the installed package (no LD_LIBRARY_PATH, no ONYX_ORT_LIBRARY)"
	@cd $(DOTNET_CONSUMER)/app && env -u LD_LIBRARY_PATH -u ONYX_ORT_LIBRARY mono OnyxExample.exe $(ROOT)/tests/suite \
	  | python3 $(ROOT)/tests/suite/check_top5.py $(SPEC) csharp

demo-dotnet:
	@echo; echo "=== C# (examples/dotnet, from the Onyx NuGet package) ==="
	@$(MAKE) --no-print-directory consumer-dotnet

bench-dotnet: dotnet-lib lib ort fixtures customops
	@echo "onyx: [csharp] building the benchmark (mcs)"
	@rm -rf $(DOTNET_BUILD)/bench && mkdir -p $(DOTNET_BUILD)/bench
	@cp $(DOTNET_LIB)/Onyx.dll $(ONYX_NATIVES) $(DOTNET_BUILD)/bench/
	@mcs -target:exe -optimize+ -unsafe -nologo $(MCS_EXE) -r:$(DOTNET_BUILD)/bench/Onyx.dll \
	  -out:$(DOTNET_BUILD)/bench/OnyxBench.exe $(DOTNET_SRC)/bench/Bench.cs
	@echo "onyx: [csharp] ResNet18 batch 1 (intra 1, 2) and add16 per call through the C# API"
	@cd $(DOTNET_BUILD)/bench && env -u ONYX_ORT_LIBRARY mono OnyxBench.exe $(ROOT)/tests/suite $(BENCH_DIR)
