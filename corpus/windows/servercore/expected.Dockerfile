# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS runtime
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest -Uri https://example.invalid/tool.zip -OutFile C:\tool.zip
RUN Expand-Archive C:\tool.zip -DestinationPath C:\tool
WORKDIR C:\tool
CMD ["tool.exe"]
