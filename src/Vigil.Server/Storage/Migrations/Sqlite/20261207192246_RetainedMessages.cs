using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RetainedMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RetainedMessages",
                columns: table => new
                {
                    Topic = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    QualityOfService = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", nullable: true),
                    ResponseTopic = table.Column<string>(type: "TEXT", nullable: true),
                    CorrelationData = table.Column<byte[]>(type: "BLOB", nullable: true),
                    UserPropertiesJson = table.Column<string>(type: "TEXT", nullable: true),
                    PayloadFormatIndicator = table.Column<int>(type: "INTEGER", nullable: false),
                    MessageExpiryInterval = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    SetAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RetainedMessages", x => x.Topic);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RetainedMessages_ClientId",
                table: "RetainedMessages",
                column: "ClientId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RetainedMessages");
        }
    }
}
