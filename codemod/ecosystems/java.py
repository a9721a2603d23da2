"""Java: Maven and Gradle."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="java",
    label="java",
    images=("maven", "gradle", "eclipse-temurin", "openjdk", "amazoncorretto"),
    manifests=("pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradlew", "mvnw"),
    install=patterns("mvn dependency:go-offline", "mvn dependency:resolve", "gradle dependencies"),
    build=patterns("mvn package", "mvn install", "mvn verify", "gradle build", "gradle bootJar", "gradle assemble", "gradle shadowJar", "gradle jar"),
    test=patterns("mvn test", "gradle test"),
)
