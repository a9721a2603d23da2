package com.example.greeter;

import java.nio.file.Path;

import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.SystemUtils;

/** Greets (APP_GREETING), with commons-lang3 shaded into the jar; says where and as whom it runs. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        String greeting = StringUtils.defaultIfBlank(System.getenv("APP_GREETING"), "hello");
        System.out.println(StringUtils.capitalize(greeting) + " from greeter " + Main.class.getPackage().getImplementationVersion()
                + " on Java " + Runtime.version().feature());
        System.out.println("words: " + StringUtils.join(StringUtils.split("runtime builder slim jar"), " | "));
        System.out.println("user " + SystemUtils.USER_NAME + " in " + Path.of("").toAbsolutePath());
        System.out.println("args: " + (args.length == 0 ? "none" : String.join(" ", args)));
    }
}
