""".NET: the dotnet CLI."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="dotnet",
    label="dotnet",
    images=("sdk", "dotnet"),
    manifests=("*.csproj", "*.fsproj", "*.sln", "nuget.config", "Directory.Build.props", "Directory.Packages.props"),
    install=patterns("dotnet restore"),
    build=patterns("dotnet publish", "dotnet build"),
    test=patterns("dotnet test"),
)
