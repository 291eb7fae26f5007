using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClusterKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClusterKeys",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", unicode: false, maxLength: 4000, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterKeys", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClusterKeys");
        }
    }
}
