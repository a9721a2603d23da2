FROM maven:3-eclipse-temurin-17 AS builder
WORKDIR /opt/greeter
COPY pom.xml ./
COPY src ./src
RUN mvn -o -q -B -Dmaven.repo.local=/usr/share/maven-repo package

FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system greeter \
 && useradd --system --gid greeter --no-create-home greeter
WORKDIR /opt/greeter
COPY --from=builder /opt/greeter/target/*.jar /opt/greeter/target/
USER greeter
ENV APP_GREETING=hej
EXPOSE 8080
CMD java -jar target/*.jar --port 8080
