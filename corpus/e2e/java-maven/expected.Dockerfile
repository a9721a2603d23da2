FROM localhost/maven:3-eclipse-temurin-17
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcommons-lang3-java \
    && rm -rf /var/lib/apt/lists/*
COPY pom.xml ./
RUN mvn -B -o -q -Dmaven.repo.local=/usr/share/maven-repo dependency:go-offline || true
COPY . .
RUN mvn -o -q -Dmaven.repo.local=/usr/share/maven-repo package
CMD ["java", "-jar", "target/java-maven.jar"]
